class A { static Map<String,Integer> m = new HashMap<>(); void f(String k) { m.put(k, 1); } }
